"""A read-only Linux collector: reads a server's settings and reports findings for the computing environment.

Standard library only, Python 3.8 syntax and APIs, and nothing imported from the rest of `mlps`: these modules are
copied as they are into the single file `mlps collect --bundle OUT` writes, which runs on the server with
`python3 -I -S collector.pyz`. It opens files for reading only, runs a few read-only commands (`systemctl
is-enabled/is-active`, `rpm -qa`) only when it reads the live machine (`--root /`), never writes and never sends
anything. The rules behind each verdict are in docs/collector.md; which requirement items a finding is evidence
for is data (mlps/controls/collector.yaml, copied into the bundle as mapping.json).
"""

COLLECTOR_VERSION = "1.0.0"
