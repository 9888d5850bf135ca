"""analysis: questions asked of a trained chain, and what each one may cost.

The forward pass behind a state's edges (`explain`), two chains side by side and hitting
curves (`compare`), the same run under other seeds (`ensemble`), the weights at a past step
(`past_steps`), the cost guard every request passes first (`request_cost`) and the table every
one of them hands back (`table`). `run_questions` holds the bodies of the engine's question
methods (reach, sample, explain, compare, hitting curves).

May import: core/, runs/ (run strings name the runs to compare) and analysis/.
"""
