// Package platform holds nothing but documentation: each cloud platform's
// CORS configuration lives in its own sub-package (s3, r2, gcs, azure,
// apigw, ec2), which reads that platform's config text, evaluates requests
// with that platform's own semantics (not the Fetch standard's idea of a
// good server), writes the config back, and offers its formats as values
// (Formats) with the capabilities engine/policy's package doc lists;
// engine/all lists them in the engine's registry.
//
// Facts, with their sources, are in shared/reference/cloud-policies.md;
// the sub-packages cite its sections. Where the reference marks a behaviour
// [UNVERIFIED], the code says so next to the choice it makes.
package platform
