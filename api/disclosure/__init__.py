"""许可结果公示 (public decisions) and electronic licence verification (QR codes, /verify)."""
