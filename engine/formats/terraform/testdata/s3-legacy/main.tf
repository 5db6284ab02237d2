# The inline cors_rule of aws_s3_bucket, deprecated in AWS provider v4
# but still in many modules (written for whycors' tests).
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
  acl    = "public-read"

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["*"]
    max_age_seconds = 3600
  }
}
