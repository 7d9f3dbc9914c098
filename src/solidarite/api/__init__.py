"""The public JSON API (django-ninja): the scheme catalogue, the variables and the simulator."""
