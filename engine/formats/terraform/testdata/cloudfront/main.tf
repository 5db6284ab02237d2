# A CloudFront response headers policy with CORS settings (written for
# whycors' tests from the aws_cloudfront_response_headers_policy
# documentation's shape).
resource "aws_cloudfront_response_headers_policy" "site" {
  name = "site-cors"

  cors_config {
    access_control_allow_credentials = false

    access_control_allow_headers {
      items = ["content-type"]
    }

    access_control_allow_methods {
      items = ["GET", "HEAD", "OPTIONS"]
    }

    access_control_allow_origins {
      items = ["https://www.example.com"]
    }

    origin_override = true
  }
}
