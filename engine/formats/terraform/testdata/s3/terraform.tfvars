bucket_name = "acme-uploads"
app_origins = [
  "https://app.example.com",
  "https://admin.example.com",
]
