"""runs: a run as text and as a file, and how one is rebuilt.

Run strings (`runstring`) and the log that writes them (`run_log`), run files and the checks
a file passes before anything is loaded (`run_file`, `run_file_guard`), and saving, loading and
replaying an engine (`run_io`).

May import: core/ and runs/.
"""
