"""What results become: run folders, the offline HTML report, Plotly charts and number formatting.

Imports ``privsim.experiments`` and below; never the tester or a face.
"""
