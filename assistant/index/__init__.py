"""The portfolio as searchable data.

Corpus loading and validation, chunking, embedding, the ONNX export, building and loading
the index, and searching it.
"""
