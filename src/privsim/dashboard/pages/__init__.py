"""The dashboard's pages, one module each: compare, editor, frontier, sensitivity, gallery, check."""
