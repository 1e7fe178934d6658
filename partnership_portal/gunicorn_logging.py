"""gunicorn's access log without the anonymous staff survey: a line with the address, time and browser of
each request to a survey link would let whoever reads the log tie an answer to a person. Used with
`gunicorn --logger-class partnership_portal.gunicorn_logging.PortalLogger` (docker-compose.yml, README)."""
from gunicorn.glogging import Logger

# The anonymous survey link (workforce.urls survey_respond): nothing about its requests is written.
UNLOGGED_PREFIXES = ("/survey/",)


class PortalLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if (environ.get("PATH_INFO") or "").startswith(UNLOGGED_PREFIXES):
            return
        super().access(resp, req, environ, request_time)
