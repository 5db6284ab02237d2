# Two buckets with CORS in one module (written for whycors' tests): the
# request's host tells which answers.
resource "aws_s3_bucket" "a" {
  bucket = "acme-a"

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://a.example.com"]
  }
}

resource "aws_s3_bucket" "b" {
  bucket = "acme-b"

  cors_rule {
    allowed_methods = ["GET", "PUT"]
    allowed_origins = ["https://b.example.com"]
  }
}
