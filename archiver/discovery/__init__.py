"""Discovery: find each institution's partner-list announcements and track them as documents.

    institution.check_institution(site, deps) -> CheckResult   one check of one institution
    settings.DiscoverySettings                                 the `discover:` block of a site
    politeness.HostGate, Budget, GatedCapturer                 politeness for any capturer
    registry.document_events(before, after)                    new announcement, removed …

The package namespace is kept empty on purpose: `archiver.config` imports the settings
module, and the rest of the package imports the pipeline, which imports the config.
"""
