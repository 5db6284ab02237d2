# An upload bucket whose CORS rules allow the web app to PUT objects
# (written for whycors' tests from the shape in the AWS provider's
# aws_s3_bucket_cors_configuration documentation).
resource "aws_s3_bucket" "uploads" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_headers = ["content-type", "x-amz-meta-*"]
    allowed_methods = ["PUT", "POST"]
    allowed_origins = var.app_origins
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }

  cors_rule {
    id              = "public-read"
    allowed_methods = ["GET"]
    allowed_origins = ["https://${local.docs_host}"]
  }
}

locals {
  docs_host = "docs.${var.domain}"
}
