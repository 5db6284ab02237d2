module github.com/whycors/whycors/scripts/bench

go 1.26.0

require (
	github.com/jub0bs/cors v1.0.1
	github.com/rs/cors v1.11.1
	github.com/whycors/whycors v0.0.0
)

require (
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/whycors/whycors => ../..
