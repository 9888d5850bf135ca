"""render: a chain drawn without a browser, and the widget saved as a page.

SVG and Graphviz drawings (`svg_chain`, `graphviz_chain`), the offline HTML page of a widget
(`html_export`, with its data budget `page_budget`, data `page_data` and markup `page_html`)
and the `jupyter nbconvert --to babygpt_html` exporter (`nbconvert_export`).

May import: core/, analysis/, runs/ and render/ (never the engine or the widget: they call in).
"""
