"""The WeChat adapter: login, phone numbers, the shared access token, messages and push.

wechatpy is synchronous: everything here that talks to WeChat runs in a worker thread
(``anyio.to_thread``) or in a job, never holding a database connection.
"""

from wechat.gateway import LiveWeChat, SandboxWeChat, WeChatGateway, WxSession, gateway_for

__all__ = ["LiveWeChat", "SandboxWeChat", "WeChatGateway", "WxSession", "gateway_for"]
