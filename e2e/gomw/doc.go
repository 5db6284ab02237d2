// Package gomw holds the differential tests of the Go CORS middleware
// formats against the real modules.
package gomw
