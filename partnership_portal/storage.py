from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files. Imports between ES modules are rewritten to the hashed names
    too, so portal.js asks for the GOV.UK Frontend it was built with rather than a cached older one."""

    support_js_module_import_aggregation = True
