# Be sure to restart your server when you modify this file.

# Avoid CORS issues when API is called from the frontend app.
# Handle Cross-Origin Resource Sharing (CORS) in order to accept cross-origin Ajax requests.

# Read more: https://github.com/cyu/rack-cors

FRONTENDS = %w[https://app.example https://admin.example].freeze

Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins(*FRONTENDS, /\Ahttps:\/\/[a-z0-9-]+\.preview\.example\z/)

    resource "/api/*",
      headers: %w[Authorization Content-Type],
      methods: [:get, :post, :put, :patch, :delete, :options, :head],
      expose: ["X-Total-Count"],
      credentials: true,
      max_age: 10.minutes
  end

  allow do
    origins "*"
    resource "/public/*", headers: :any, methods: :get
  end
end
