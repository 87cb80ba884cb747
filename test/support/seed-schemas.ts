import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type SchemaObject } from 'ajv';
import { parse as parseYaml } from 'yaml';

/**
 * The response schemas of the three remote APIs, taken from the seed pages (test/fixtures/seeds/, verbatim
 * copies of the public documentation; CI has no /work/shared). Alloy's pages embed OpenAPI 3.0 YAML, which
 * is extracted and converted to JSON Schema; Composio's page is markdown and Open WebUI's is page text, so
 * their schemas are transcribed below by hand, each with the seed file and section it comes from.
 */

export const SEEDS_DIR = new URL('../fixtures/seeds/', import.meta.url);

export const SEED_FILES = {
  alloyList: '000_f4ec38b145c048d0.txt',
  alloyGuide: '001_bc8c383d57ce9e04.txt',
  composioList: '002_97ac692c02a895a9.txt',
  openWebUiList: '003_1b3d67c8be516cdf.txt',
  alloyUploadRequest: '004_9ca00ba06b979f98.txt',
} as const;

export function readSeed(file: string): string {
  return readFileSync(new URL(file, SEEDS_DIR), 'utf8');
}

/** The OpenAPI document in a Mintlify page: the fenced block that opens with ````yaml <method> <path>. */
export function extractOpenApiBlock(seedText: string): { method: string; path: string; document: unknown } {
  const match = /^(`{3,})yaml[ \t]+(\w+)[ \t]+(\S+)[ \t]*\r?\n([\s\S]*?)^\1[ \t]*$/m.exec(seedText);
  if (!match) throw new Error('The seed has no ```yaml OpenAPI block');
  const [, , method = '', path = '', body = ''] = match;
  return { method: method.toLowerCase(), path, document: parseYaml(body) as unknown };
}

export interface ConversionOptions {
  /**
   * Make every declared property required where the seed lists no `required`. Alloy's OpenAPI blocks
   * declare the 200 fields without `required`, yet the page example and API.md §1 give every one of them;
   * a response that drops one is not the documented response.
   */
  requireDeclared?: boolean;
}

/**
 * OpenAPI 3.0 Schema Object → JSON Schema (draft 7, as ajv takes it): drops `example` (not a JSON Schema
 * keyword; ajv's strict mode refuses it), turns `nullable: true` into a `null` alternative of `type` (and
 * of `enum`), and recurses into properties, items and the combinators.
 */
export function openApiToJsonSchema(schema: unknown, options: ConversionOptions = {}): SchemaObject {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new Error(`Not an OpenAPI schema object: ${JSON.stringify(schema)}`);
  }
  const source = schema as Record<string, unknown>;
  const out: SchemaObject = {};
  for (const [keyword, value] of Object.entries(source)) {
    switch (keyword) {
      case 'example':
      case 'examples':
      case 'nullable':
      case 'xml':
      case 'externalDocs':
      case 'deprecated':
      case 'readOnly':
      case 'writeOnly':
      case 'discriminator':
        break;
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([name, child]) => [
            name,
            openApiToJsonSchema(child, options),
          ]),
        );
        break;
      case 'items':
      case 'not':
        out[keyword] = openApiToJsonSchema(value, options);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'boolean' ? value : openApiToJsonSchema(value, options);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[keyword] = (value as unknown[]).map((child) => openApiToJsonSchema(child, options));
        break;
      default:
        out[keyword] = value;
    }
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  }
  if (options.requireDeclared && out.properties !== undefined && out.required === undefined) {
    out.required = Object.keys(out.properties as object);
  }
  return out;
}

/** The JSON Schema of one response of the operation a seed page documents. */
export function openApiResponseSchema(
  seedFile: string,
  status = '200',
  options: ConversionOptions = { requireDeclared: true },
): { method: string; path: string; schema: SchemaObject } {
  const { method, path, document } = extractOpenApiBlock(readSeed(seedFile));
  const operation = (document as { paths?: Record<string, Record<string, unknown>> }).paths?.[path]?.[
    method
  ] as { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> } | undefined;
  const schema = operation?.responses?.[status]?.content?.['application/json']?.schema;
  if (schema === undefined)
    throw new Error(`${seedFile}: no application/json schema for ${method} ${path} ${status}`);
  return { method, path, schema: openApiToJsonSchema(schema, options) };
}

// --- Alloy (seeds 000 and 004), converted from their OpenAPI blocks ---------------------------------

/** Seed 000: `GET /connectors/files/list`, response 200. */
export const ALLOY_LIST_SCHEMA: SchemaObject = openApiResponseSchema(SEED_FILES.alloyList).schema;
/** Seed 004: `POST /connectors/files/upload/request`, response 200. */
export const ALLOY_UPLOAD_REQUEST_SCHEMA: SchemaObject = openApiResponseSchema(
  SEED_FILES.alloyUploadRequest,
).schema;

/** Alloy's error body is undocumented (seed 004 lists "400 Invalid input" with no schema); API.md §1 "ours". */
export const ALLOY_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'code'],
      properties: { message: { type: 'string', minLength: 1 }, code: { type: 'string', minLength: 1 } },
    },
  },
};

// --- Composio (seed 002, markdown) -------------------------------------------------------------------

/** Seed 002_97ac692c02a895a9.txt, "Responses" → "#### 200 - Successfully retrieved files" → Response Schema. */
export const COMPOSIO_LIST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['items', 'total_pages', 'current_page', 'total_items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['toolkit_slug', 'tool_slug', 'filename', 'mimetype', 'md5'],
        properties: {
          toolkit_slug: { type: 'string' },
          tool_slug: { type: 'string' },
          filename: { type: 'string' },
          mimetype: { type: 'string' },
          md5: { type: 'string' },
        },
      },
    },
    // "`next_cursor` (string,null)": listed without *(required)*.
    next_cursor: { type: ['string', 'null'] },
    total_pages: { type: 'number' },
    current_page: { type: 'number' },
    total_items: { type: 'number' },
  },
};

/**
 * Seed 002_97ac692c02a895a9.txt, "Responses" → "#### 400 - Bad request" (the same schema is repeated for
 * 401, 404 and 500) → Response Schema.
 */
export const COMPOSIO_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'code', 'slug', 'status'],
      properties: {
        message: { type: 'string' },
        code: { type: 'number' },
        slug: { type: 'string' },
        status: { type: 'number' },
        request_id: { type: 'string' },
        suggested_fix: { type: 'string' },
        errors: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

/**
 * POST /api/v3/files/upload/request has no seed page; the shape is API.md §2's table ("one of {id, key,
 * type: "new", new_presigned_url}, {… "update", update_presigned_url}, {… "existing", existing_url}; each
 * also metadata: {storage_backend: "s3"}").
 */
export const COMPOSIO_UPLOAD_REQUEST_SCHEMA: SchemaObject = {
  oneOf: (
    [
      ['new', 'new_presigned_url'],
      ['update', 'update_presigned_url'],
      ['existing', 'existing_url'],
    ] as const
  ).map(([type, urlField]) => ({
    type: 'object',
    required: ['id', 'key', 'type', urlField, 'metadata'],
    properties: {
      id: { type: 'string', minLength: 1 },
      key: { type: 'string', minLength: 1 },
      type: { const: type },
      [urlField]: { type: 'string', format: 'uri' },
      metadata: {
        type: 'object',
        required: ['storage_backend'],
        properties: { storage_backend: { const: 's3' } },
      },
    },
  })),
};

/**
 * The v3.1 upload request's 200, transcribed from the spec @composio/client 2.0.0-rc.6 is generated
 * from (its `PostApiV31FilesUploadRequestResponses` in dist/client-*.d.mts): every field required,
 * `type` only ever `'new'` (deprecated, like `newPresignedUrl`), and the storage backend `s3` or
 * `azure_blob_storage`.
 */
export const COMPOSIO_V31_UPLOAD_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'key', 'new_presigned_url', 'newPresignedUrl', 'type', 'metadata'],
  properties: {
    id: { type: 'string', minLength: 1 },
    key: { type: 'string', minLength: 1 },
    new_presigned_url: { type: 'string', format: 'uri' },
    newPresignedUrl: { type: 'string', format: 'uri' },
    type: { const: 'new' },
    metadata: {
      type: 'object',
      required: ['storage_backend'],
      properties: { storage_backend: { enum: ['s3', 'azure_blob_storage'] } },
    },
  },
};

// --- Open WebUI (seed 003, page text) ------------------------------------------------------------------

/**
 * Seed 003_1b3d67c8be516cdf.txt, "Response" → "Returns an array of file objects." and the field list under
 * it (id, filename, path, user_id, meta{name, content_type, size}, data{status: "pending, completed, or
 * failed", content "only if content=true"}, created_at, updated_at "Unix timestamp"). The page marks no field
 * optional except content, and both examples carry every one. `hash` (nullable) is API.md §3's.
 */
export function openWebUiFileSchema(withContent: boolean): SchemaObject {
  return {
    type: 'object',
    required: ['id', 'filename', 'path', 'user_id', 'meta', 'data', 'created_at', 'updated_at'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      filename: { type: 'string' },
      path: { type: 'string' },
      user_id: { type: 'string' },
      hash: { type: ['string', 'null'] },
      meta: {
        type: 'object',
        required: ['name', 'content_type', 'size'],
        properties: {
          name: { type: 'string' },
          content_type: { type: 'string' },
          size: { type: 'number' },
          file_hash: { type: 'string' },
        },
      },
      data: {
        type: 'object',
        required: withContent ? ['status', 'content'] : ['status'],
        properties: {
          status: { enum: ['pending', 'completed', 'failed'] },
          // content=false strips data.content (API.md §3): then it must be absent.
          content: withContent ? { type: 'string' } : false,
        },
      },
      // "Unix timestamp": whole seconds (the examples are 1709856000-style integers).
      created_at: { type: 'integer' },
      updated_at: { type: 'integer' },
    },
  };
}

/** Seed 003 "Returns an array of file objects." (the examples under "List all files…" are bare arrays). */
export function openWebUiListSchema(withContent: boolean): SchemaObject {
  return { type: 'array', items: openWebUiFileSchema(withContent) };
}

/** API.md §3: "Errors are {"detail": "..."}" (FastAPI); seed 003 shows none. */
export const OPENWEBUI_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['detail'],
  properties: { detail: { type: 'string', minLength: 1 } },
};

// --- Validation -----------------------------------------------------------------------------------------

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function createAjv(): Ajv {
  // strict: an unknown keyword left over from OpenAPI is an error, not silently ignored.
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addFormat('date-time', (text: string) => ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text)));
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('uri', (text: string) => URL.canParse(text));
  return ajv;
}

const ajv = createAjv();
const compiled = new WeakMap<SchemaObject, ReturnType<Ajv['compile']>>();

/** The schema violations of `value`, as readable lines; an empty array means valid. */
export function schemaErrors(schema: SchemaObject, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error: ErrorObject) =>
      `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}
