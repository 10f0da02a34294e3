"""The web app: server-rendered pages over the records services and the clinical core."""
