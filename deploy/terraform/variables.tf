variable "name" {
  description = "Prefix of every resource name, e.g. \"statelock\" or \"statelock-prod\"."
  type        = string
  default     = "statelock"
}

variable "lock_table_name" {
  description = "Name of the lock table (the service's statelock.dynamodb.table). Defaults to \"<name>-locks\"."
  type        = string
  default     = null
}

variable "audit_table_name" {
  description = "Name of the audit table. Defaults to \"<name>-audit\"."
  type        = string
  default     = null
}

variable "bucket_name" {
  description = "Name of the state bucket (the service's statelock.s3.bucket); globally unique."
  type        = string
}

variable "state_prefix" {
  description = "Object key prefix the service writes under (the service's statelock.s3.prefix), without a leading slash; \"\" for the whole bucket."
  type        = string
  default     = "state/"
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the bucket and both tables; null uses AWS-managed encryption (SSE-S3 for the bucket, the AWS-managed DynamoDB key for the tables)."
  type        = string
  default     = null
}

variable "noncurrent_version_days" {
  description = "Days a noncurrent object version is kept before it expires (bucket versioning is a safety net below the service's own version history)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "deletion_protection" {
  description = "DynamoDB deletion protection on both tables. Keep it on: deleting the lock table resets every fencing counter."
  type        = bool
  default     = true
}

variable "iam_role_name" {
  description = "If set, the service policy is attached to this existing IAM role (e.g. the IRSA role of the Kubernetes ServiceAccount)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "terraform_lock_table_arn" {
  description = "ARN of Terraform's own S3-backend lock table (the backend's dynamodb_table), when the service reads and breaks plain runs' locks (statelock.terraform-s3.dynamodb-table)."
  type        = string
  default     = null
}

variable "terraform_state_buckets" {
  description = "Names of the buckets of Terraform's S3 backend whose plain runs' lock files (<state key>.tflock) the service reads and breaks (statelock.terraform-s3.buckets with use-lockfile)."
  type        = list(string)
  default     = []
}
