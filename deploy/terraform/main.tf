# AWS resources of one statelock deployment: the lock table, the audit table, the state bucket
# and the service's IAM policy. Only the service gets AWS access; CI jobs talk to statelock.

locals {
  lock_table_name  = coalesce(var.lock_table_name, "${var.name}-locks")
  audit_table_name = coalesce(var.audit_table_name, "${var.name}-audit")
  use_kms          = var.kms_key_arn != null

  # Exactly the calls the service makes on the lock table (service/src/main/java/io/statelock/adapter/dynamodb/):
  # UpdateItem (acquire, heartbeat, release, force-release, state pointer moves, and writing a replaced state
  # version as its own item), consistent GetItem (holder after a failed condition, the state pointer),
  # BatchGetItem (kept state versions; the records of a List page, as the index projects keys only), Query on
  # the by-segment index (List, prefix Watch), paged Scan (List with an empty prefix), DescribeTable
  # (readiness). No PutItem, and DeleteItem only on expired state-version items (statement below): lock
  # records are never deleted, so fencing counters can never be reset. No CreateTable either
  # (statelock.dynamodb.create-table stays false outside development).
  lock_table_actions = [
    "dynamodb:BatchGetItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
  ]

  # State versions that left a key's history (statelock.state.keep-versions) are deleted. Their items' keys
  # start with "/v/" (VersionItems.java), which no lock record's key can (keys never start with '/').
  version_item_keys = ["/v/*"]

  # The audit trail is append-only (service/src/main/java/io/statelock/adapter/dynamodb/DynamoDbAuditStore.java):
  # BatchWriteItem of new records, Query by key prefix and time; nothing is changed or deleted.
  audit_table_actions = [
    "dynamodb:BatchWriteItem",
    "dynamodb:DescribeTable",
    "dynamodb:Query",
    # Audit queries with an empty prefix, or one without '/', span partitions: a paged Scan.
    "dynamodb:Scan",
  ]

  # State objects are immutable and named by key, fence and a random id; the retention task deletes
  # objects no kept version names. With bucket versioning a DeleteObject only adds a delete marker:
  # the service has no DeleteObjectVersion, so only the lifecycle rule removes bytes for good.
  state_object_actions = [
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:PutObject",
  ]

  state_bucket_actions = [
    "s3:ListBucket",
  ]

  kms_actions = [
    "kms:Decrypt",
    "kms:GenerateDataKey",
  ]

  # Terraform's own S3-backend locks (statelock.terraform-s3.*): read and listed; taken for a lease (conditional put)
  # and given back; stale ones removed, and plain runs' broken by an admin's force-unlock (conditional delete).
  terraform_lock_table_actions = [
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Scan",
  ]

  terraform_lock_file_actions = [
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:PutObject",
  ]
}

# --- Lock table: one item per key, never deleted, no TTL ---------------------------------------

resource "aws_dynamodb_table" "locks" {
  name                        = local.lock_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "key"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "key"
    type = "S"
  }

  attribute {
    name = "seg"
    type = "S"
  }

  # Serves List and prefix Watch without scanning the table: partitioned on the key's first
  # segment, sorted on the key. Keys only: no lease field is projected, so an acquire, heartbeat or
  # release (which change no key) writes nothing to the index; a List page reads its records with one
  # BatchGetItem.
  global_secondary_index {
    name            = "by-segment"
    hash_key        = "seg"
    range_key       = "key"
    projection_type = "KEYS_ONLY"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  # Deliberately no ttl block: an expired record would take its fencing counter with it.

  tags = var.tags

  lifecycle {
    prevent_destroy = true
  }
}

# --- Audit table: who did what to which key, queried by key prefix and time --------------------

resource "aws_dynamodb_table" "audit" {
  name                        = local.audit_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags

  lifecycle {
    prevent_destroy = true
  }
}

# --- State bucket -----------------------------------------------------------------------------

resource "aws_s3_bucket" "state" {
  bucket = var.bucket_name
  tags   = var.tags

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.use_kms ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = local.use_kms
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  # Lifecycle rules on a versioned bucket need versioning in place first.
  depends_on = [aws_s3_bucket_versioning.state]

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.state.arn,
      "${aws_s3_bucket.state.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.bucket.json

  # A bucket policy is refused while the public access block is being created.
  depends_on = [aws_s3_bucket_public_access_block.state]
}

# --- The service's policy: exactly the actions it uses, on exactly these resources -------------

data "aws_iam_policy_document" "service" {
  statement {
    sid       = "LockTable"
    effect    = "Allow"
    actions   = local.lock_table_actions
    resources = [
      aws_dynamodb_table.locks.arn,
      "${aws_dynamodb_table.locks.arn}/index/by-segment",
    ]
  }

  statement {
    sid       = "ExpiredStateVersions"
    effect    = "Allow"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.locks.arn]
    # Only items whose key starts with "/v/": old state versions, never a lock record.
    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = local.version_item_keys
    }
  }

  statement {
    sid       = "AuditTable"
    effect    = "Allow"
    actions   = local.audit_table_actions
    resources = [aws_dynamodb_table.audit.arn]
  }

  statement {
    sid       = "StateObjects"
    effect    = "Allow"
    actions   = local.state_object_actions
    resources = ["${aws_s3_bucket.state.arn}/${var.state_prefix}*"]
  }

  statement {
    sid       = "StateBucketList"
    effect    = "Allow"
    actions   = local.state_bucket_actions
    resources = [aws_s3_bucket.state.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.state_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = var.terraform_lock_table_arn == null ? [] : [var.terraform_lock_table_arn]
    content {
      sid       = "TerraformLockTable"
      effect    = "Allow"
      actions   = local.terraform_lock_table_actions
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = length(var.terraform_state_buckets) == 0 ? [] : [var.terraform_state_buckets]
    content {
      sid       = "TerraformLockFiles"
      effect    = "Allow"
      actions   = local.terraform_lock_file_actions
      # Only the lock files, never a state object of those buckets.
      resources = [for b in statement.value : "arn:aws:s3:::${b}/*.tflock"]
    }
  }

  dynamic "statement" {
    for_each = length(var.terraform_state_buckets) == 0 ? [] : [var.terraform_state_buckets]
    content {
      sid       = "TerraformStateBucketList"
      effect    = "Allow"
      actions   = local.state_bucket_actions
      resources = [for b in statement.value : "arn:aws:s3:::${b}"]
    }
  }

  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []
    content {
      sid       = "StateKey"
      effect    = "Allow"
      actions   = local.kms_actions
      resources = [statement.value]
    }
  }
}

resource "aws_iam_policy" "service" {
  name        = "${var.name}-service"
  description = "statelock service: its lock table, audit table and state bucket, and Terraform's own locks when configured; nothing else."
  policy      = data.aws_iam_policy_document.service.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "service" {
  count      = var.iam_role_name == null ? 0 : 1
  role       = var.iam_role_name
  policy_arn = aws_iam_policy.service.arn
}
