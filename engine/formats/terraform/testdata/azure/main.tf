# A storage account whose blob service answers a web app (written for
# whycors' tests from the azurerm_storage_account documentation's
# blob_properties.cors_rule shape).
resource "azurerm_storage_account" "files" {
  name                     = "acmefiles"
  resource_group_name      = "acme"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  blob_properties {
    cors_rule {
      allowed_headers    = ["x-ms-meta-*", "content-type"]
      allowed_methods    = ["GET", "PUT"]
      allowed_origins    = ["https://app.example.com"]
      exposed_headers    = ["x-ms-meta-*"]
      max_age_in_seconds = 3600
    }
  }
}
