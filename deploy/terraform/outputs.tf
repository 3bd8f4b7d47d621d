output "lock_table_name" {
  description = "Set as statelock.dynamodb.table (STATELOCK_DYNAMODB_TABLE)."
  value       = aws_dynamodb_table.locks.name
}

output "lock_table_arn" {
  value = aws_dynamodb_table.locks.arn
}

output "audit_table_name" {
  value = aws_dynamodb_table.audit.name
}

output "bucket_name" {
  description = "Set as statelock.s3.bucket (STATELOCK_S3_BUCKET)."
  value       = aws_s3_bucket.state.id
}

output "policy_arn" {
  description = "The service's least-privilege policy; attach it to the role the service runs as."
  value       = aws_iam_policy.service.arn
}

output "policy_json" {
  description = "The policy document, for review."
  value       = data.aws_iam_policy_document.service.json
}
