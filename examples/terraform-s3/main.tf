# The photo uploads bucket of examples/s3-upload-missing-header.json as a
# Terraform module: the web app PUTs avatars with an
# x-amz-meta-uploaded-by header the CORS rule does not list.
resource "aws_s3_bucket" "uploads" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_origins = ["https://www.example.com"]
    allowed_methods = ["GET"]
  }

  cors_rule {
    allowed_origins = var.app_origins
    allowed_methods = ["PUT", "POST"]
    allowed_headers = ["Content-Type", "x-amz-acl"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}
