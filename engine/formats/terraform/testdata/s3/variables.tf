variable "bucket_name" {
  type        = string
  description = "Name of the upload bucket."
}

variable "domain" {
  type    = string
  default = "example.com"
}

variable "app_origins" {
  type    = list(string)
  default = ["https://app.example.com"]
}
