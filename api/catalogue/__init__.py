"""The service catalogue (办事指南, 情形选择, 一件事) and the checklist that applies it."""
