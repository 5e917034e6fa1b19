/**
 * A user's model settings: provider credentials (create, list, rename or replace, delete, test), secrets,
 * and their default model. Values are sealed before they are stored and never leave this module's answers:
 * lists show a masked hint. A credential's base URL must pass the same SSRF guard as the HTTP node, since
 * the server sends requests to it.
 */
import "server-only";
import { HumanMessage } from "@langchain/core/messages";
import { maskedHint, seal } from "@/lib/credentials/crypto";
import { forgetUserModels, userModels } from "@/lib/credentials/user-models";
import {
  type CredentialRecord,
  deleteCredential as deleteRow,
  getSealedCredential,
  insertCredential,
  listCredentials as listRows,
  setDefaultModel as storeDefaultModel,
  updateCredential as updateRow,
} from "@/lib/db/queries/credentials";
import type {
  CreateCredentialBody,
  CredentialDto,
  CredentialTestResult,
  ModelChoiceBody,
  ModelSettings,
  SecretDto,
  UpdateCredentialBody,
} from "@/lib/contracts/credentials";
import { AppError, isAppError } from "@/lib/errors";
import { getChatModel, listModelProviders, serverDefaultModel } from "@/lib/models";
import { MODEL_PROVIDER_CATALOG, type CredentialProviderId, type ModelChoice } from "@/lib/models/catalog";
import { checkOutboundUrl } from "@/lib/net/safe-fetch";

function toCredentialDto(row: CredentialRecord): CredentialDto {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider as CredentialProviderId,
    baseUrl: row.baseUrl,
    hint: row.hint,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toSecretDto(row: CredentialRecord): SecretDto {
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function changed(ownerId: string): void {
  // Other instances hear the change's NOTIFY; this one forgets at once.
  forgetUserModels(ownerId);
}

const nameTaken = (what: string, name: string) =>
  new AppError("conflict:credential_name", `You already have a ${what} named "${name}": choose another name.`);
const noCredential = () => new AppError("not_found:credential", "No such credential.");
const noSecret = () => new AppError("not_found:secret", "No such secret.");

export async function listCredentials({ ownerId }: { ownerId: string }): Promise<CredentialDto[]> {
  return (await listRows({ ownerId, kind: "provider" })).map(toCredentialDto);
}

export async function createCredential({
  ownerId,
  body,
}: {
  ownerId: string;
  body: CreateCredentialBody;
}): Promise<CredentialDto> {
  if (body.baseUrl) await checkOutboundUrl(body.baseUrl);
  const row = await insertCredential({
    ownerId,
    kind: "provider",
    provider: body.provider,
    name: body.name,
    baseUrl: body.baseUrl ?? null,
    hint: body.apiKey ? maskedHint(body.apiKey) : "",
    ...seal(JSON.stringify(body.apiKey ? { apiKey: body.apiKey } : {})),
  });
  if (!row) throw nameTaken("credential", body.name);
  changed(ownerId);
  return toCredentialDto(row);
}

export async function updateCredential({
  ownerId,
  id,
  body,
}: {
  ownerId: string;
  id: string;
  body: UpdateCredentialBody;
}): Promise<CredentialDto> {
  const existing = await getSealedCredential({ id, ownerId });
  if (existing?.kind !== "provider") throw noCredential();
  if (body.baseUrl) await checkOutboundUrl(body.baseUrl);
  const row = await updateRow({
    id,
    ownerId,
    changes: {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.baseUrl !== undefined ? { baseUrl: body.baseUrl } : {}),
      ...(body.apiKey !== undefined
        ? { hint: maskedHint(body.apiKey), ...seal(JSON.stringify({ apiKey: body.apiKey })) }
        : {}),
    },
  });
  if (row === null) throw nameTaken("credential", body.name ?? "");
  if (!row) throw noCredential();
  changed(ownerId);
  return toCredentialDto(row);
}

export async function deleteCredential({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  const existing = await getSealedCredential({ id, ownerId });
  if (existing?.kind !== "provider" || !(await deleteRow({ id, ownerId }))) throw noCredential();
  changed(ownerId);
}

/** Replaces every occurrence of the secrets in a text (an error message that might quote them). */
export function redactText(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}

const TEST_TIMEOUT_MS = 20_000;

/**
 * One real, minimal request through the provider client runs use: the answer on success, the provider's
 * own error (its key blanked out) on failure.
 */
export async function testCredential({
  ownerId,
  id,
  model,
}: {
  ownerId: string;
  id: string;
  model?: string;
}): Promise<CredentialTestResult> {
  const existing = await getSealedCredential({ id, ownerId });
  if (existing?.kind !== "provider" || !existing.provider) throw noCredential();
  const { connection } = (await userModels(ownerId)).connection(id);
  const provider = existing.provider as CredentialProviderId;
  const modelName = model ?? MODEL_PROVIDER_CATALOG[provider].models[0]!;
  const started = performance.now();
  const result = (ok: boolean, message: string): CredentialTestResult => ({
    ok,
    model: modelName,
    message: redactText(message, [connection.apiKey]),
    durationMs: Math.round(performance.now() - started),
  });
  try {
    if (connection.baseUrl) await checkOutboundUrl(connection.baseUrl);
    const chat = getChatModel({ provider, model: modelName, maxTokens: 16, temperature: 0, connection });
    const reply = await chat.invoke([new HumanMessage("Reply with the word OK.")], {
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
    const text = reply.text.trim();
    return result(true, `Connected: ${modelName} answered${text ? ` "${text.slice(0, 200)}"` : ""}.`);
  } catch (error) {
    if (isAppError(error) && error.status >= 500 && error.code !== "unavailable:model_provider") throw error;
    const message = error instanceof Error ? error.message : String(error);
    return result(false, message || "The provider gave no explanation.");
  }
}

export async function listSecrets({ ownerId }: { ownerId: string }): Promise<SecretDto[]> {
  return (await listRows({ ownerId, kind: "secret" })).map(toSecretDto);
}

export async function createSecret({
  ownerId,
  name,
  value,
}: {
  ownerId: string;
  name: string;
  value: string;
}): Promise<SecretDto> {
  const row = await insertCredential({
    ownerId,
    kind: "secret",
    provider: null,
    name,
    baseUrl: null,
    hint: maskedHint(value),
    ...seal(JSON.stringify({ value })),
  });
  if (!row) throw nameTaken("secret", name);
  changed(ownerId);
  return toSecretDto(row);
}

export async function updateSecret({
  ownerId,
  id,
  name,
  value,
}: {
  ownerId: string;
  id: string;
  name?: string;
  value?: string;
}): Promise<SecretDto> {
  const existing = await getSealedCredential({ id, ownerId });
  if (existing?.kind !== "secret") throw noSecret();
  const row = await updateRow({
    id,
    ownerId,
    changes: {
      ...(name !== undefined ? { name } : {}),
      ...(value !== undefined ? { hint: maskedHint(value), ...seal(JSON.stringify({ value })) } : {}),
    },
  });
  if (row === null) throw nameTaken("secret", name ?? "");
  if (!row) throw noSecret();
  changed(ownerId);
  return toSecretDto(row);
}

export async function deleteSecret({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  const existing = await getSealedCredential({ id, ownerId });
  if (existing?.kind !== "secret" || !(await deleteRow({ id, ownerId }))) throw noSecret();
  changed(ownerId);
}

/** The providers, the server's default model, the user's own and what "the default model" is for them now. */
export async function getModelSettings({ ownerId }: { ownerId: string }): Promise<ModelSettings> {
  const models = await userModels(ownerId);
  // Names are read only when a credential is chosen (the chat's frame asks on every load).
  const credentials = models.defaultModel?.credentialId ? await listCredentials({ ownerId }) : [];
  const named = (choice: ModelChoice) => {
    const credential = choice.credentialId ? credentials.find((c) => c.id === choice.credentialId) : undefined;
    return {
      provider: choice.provider,
      model: choice.model,
      ...(choice.credentialId ? { credentialId: choice.credentialId } : {}),
      ...(credential ? { credentialName: credential.name } : {}),
    };
  };
  const server = serverDefaultModel();
  const user = models.defaultModel ? named(models.defaultModel) : null;
  const effective = user ?? named(server);
  return {
    defaultProvider: "default",
    serverDefault: { ...named(server), source: server.source },
    userDefault: user,
    effective: { ...effective, builtin: effective.provider === "local" },
    providers: listModelProviders(),
  };
}

/** The user's default model; null goes back to the server's. A credential must be theirs and match. */
export async function setDefaultModel({
  ownerId,
  choice,
}: {
  ownerId: string;
  choice: ModelChoiceBody | null;
}): Promise<ModelSettings> {
  if (choice) {
    if (choice.credentialId) {
      const credential = await getSealedCredential({ id: choice.credentialId, ownerId });
      if (credential?.kind !== "provider") {
        throw new AppError("bad_request:default_model", "The credential chosen for the default model does not exist.", {
          issues: [{ path: "defaultModel.credentialId", message: "No such credential" }],
        });
      }
      if (credential.provider !== choice.provider) {
        throw new AppError(
          "bad_request:default_model",
          `The credential "${credential.name}" is for ${credential.provider}, not ${choice.provider}.`,
          {
            issues: [{ path: "defaultModel.provider", message: `Must be ${credential.provider} for this credential` }],
          },
        );
      }
    } else {
      const provider = listModelProviders().find((p) => p.id === choice.provider);
      if (!provider?.configured) {
        throw new AppError(
          "bad_request:default_model",
          `The ${choice.provider} provider is not configured on this server: pick one of your credentials for it.`,
          { issues: [{ path: "defaultModel.provider", message: "Not configured on this server" }] },
        );
      }
      if (choice.provider === "local" && !provider.models.includes(choice.model)) {
        throw new AppError("bad_request:default_model", `The local provider has no model "${choice.model}".`, {
          issues: [{ path: "defaultModel.model", message: `Choose one of ${provider.models.join(", ")}` }],
        });
      }
    }
  }
  await storeDefaultModel({ ownerId, choice });
  changed(ownerId);
  return getModelSettings({ ownerId });
}
