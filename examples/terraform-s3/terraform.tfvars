bucket_name = "photos-uploads"
app_origins = ["https://app.example.com"]
