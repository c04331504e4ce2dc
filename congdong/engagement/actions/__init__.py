"""The one write path for what citizens do. Views, the API and the demo call these."""
