"""The Streamlit dashboard. It reads through ``efficiency``'s query functions only."""
