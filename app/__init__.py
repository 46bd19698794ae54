"""The Streamlit app: pages over the published snapshot (entry point `streamlit run app/main.py`)."""
