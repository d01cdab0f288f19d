// Upload policy Cover, enforced by react/runtime/uploadMiddleware.
export const policy = {
  "name": "Cover",
  "fields": [
    {
      "kind": "upload_field",
      "name": "image",
      "maxSizeBytes": 5242880,
      "maxCount": 2,
      "mime": [
        "image/png",
        "image/*"
      ],
      "required": true
    }
  ],
  "storage": {
    "strategy": "local",
    "path": "covers",
    "naming": "uuid"
  }
} as const;
