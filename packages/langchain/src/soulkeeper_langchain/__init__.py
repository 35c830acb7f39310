"""soulkeeper for LangChain and LangGraph: pin a persona at the model-call boundary and watch it for drift."""
