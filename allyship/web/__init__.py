"""The web server around the app: routes and lifespan hooks (a typed registry), background
loops, serving several processes, warm-up and memory. May import Streamlit."""
