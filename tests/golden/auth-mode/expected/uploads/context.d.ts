// What the upload middleware leaves on the request.
export interface UploadFileMeta {
  field: string;
  path: string;
  size: number;
  mime: string;
  hash: string;
  originalName?: string;
}

export interface UploadContext {
  files?: UploadFileMeta[];
}

declare global {
  namespace Express {
    interface Request {
      uploadFiles?: UploadFileMeta[];
      uploadBody?: Record<string, unknown>;
    }
  }
}
