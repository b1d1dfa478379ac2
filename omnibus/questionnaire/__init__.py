"""The questionnaire language: the model, its loader and checker, routing, rendering."""
