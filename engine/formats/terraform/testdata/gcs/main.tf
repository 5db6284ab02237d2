# A Cloud Storage bucket serving a web app's media (written for whycors'
# tests from the google_storage_bucket documentation's cors shape).
resource "google_storage_bucket" "media" {
  name     = "acme-media"
  location = "EU"

  cors {
    origin          = ["https://app.example.com"]
    method          = ["GET", "HEAD", "PUT"]
    response_header = ["Content-Type"]
    max_age_seconds = 3600
  }
}
