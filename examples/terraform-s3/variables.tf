variable "bucket_name" {
  type        = string
  description = "The uploads bucket."
}

variable "app_origins" {
  type        = list(string)
  description = "Origins of the web app that uploads."
  default     = []
}
