"""Local fakes of the platforms congdong talks to: real HTTP servers on 127.0.0.1.

`graph.FakeGraph` speaks the Facebook Graph API (and its Login dialog); `zalo.FakeZalo` the Zalo
OA API and its OAuth v4 host. They hold their state in memory, seeded by Python methods, and
can be told to fail the way the platforms fail. Tests start them in a thread; the demo runs
them as processes (`python -m congdong_tools.fakes.graph --port 8101`).
"""
