# A -var-file kept apart from its module (TestRunExplain).
app_origins = ["https://other.example.com"]
