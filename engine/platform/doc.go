// Package platform holds nothing but documentation: each cloud platform's
// CORS configuration lives in its own sub-package (s3, r2, gcs, azure,
// apigw, ec2), which reads that platform's config text, evaluates requests
// with that platform's own semantics (not the Fetch standard's idea of a
// good server), writes the config back, and registers its formats with
// engine/policy from init.
//
// Facts, with their sources, are in shared/reference/cloud-policies.md;
// the sub-packages cite its sections. Where the reference marks a behaviour
// [UNVERIFIED], the code says so next to the choice it makes.
package platform
