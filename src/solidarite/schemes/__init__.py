"""The scheme catalog in the web application: loaded once, shared by the simulator and API."""
