"""掌上办 (zhangshangban): the HTTP application and its domains."""
