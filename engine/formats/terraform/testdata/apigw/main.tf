# An HTTP API with CORS answered by API Gateway itself (written for
# whycors' tests from the aws_apigatewayv2_api documentation's shape).
variable "frontend" {
  type    = string
  default = "https://shop.example.com"
}

resource "aws_apigatewayv2_api" "shop" {
  name          = "shop-api"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = [var.frontend]
    allow_methods     = ["GET", "POST"]
    allow_headers     = ["content-type"]
    allow_credentials = true
    max_age           = 600
  }
}
