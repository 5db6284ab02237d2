module github.com/whycors/whycors/e2e/gomw

go 1.26.0

require (
	github.com/rs/cors v1.11.1
	github.com/whycors/whycors v0.0.0
)

replace github.com/whycors/whycors => ../..
