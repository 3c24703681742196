/**
 * Types for the part of hcloud-js 1.4.1 this package uses (hcloud-js ships none). Only
 * `sdk/adapter.ts` imports hcloud-js; nothing here is part of this package's public types.
 * Field names follow hcloud-js' own models (camelCase), which copy a subset of the API's fields.
 */
declare module 'hcloud-js' {
  import type { AxiosInstance } from 'axios';

  interface ClientOptions {
    token: string;
    /** Default `https://api.hetzner.cloud/v1/`. */
    baseURL?: string;
    /** Per-request timeout in ms; default 5000. */
    timeout?: number;
    proxy?: false;
  }

  interface ListParams {
    page?: number;
    perPage?: number;
    [param: string]: string | number | boolean | undefined;
  }

  /** `meta.pagination` as hcloud-js copies it onto every list. */
  interface Pagination {
    page: number;
    perPage: number;
    nextPage: number | null;
    lastPage: number | null;
    totalEntries: number | null;
  }

  interface Action {
    id: number;
    command: string;
    status: 'running' | 'success' | 'error';
    progress: number;
    resources: Array<{ id: number; type: string }>;
    error?: { code: string; message: string } | null;
  }

  interface Location {
    id: number;
    name: string;
    description: string;
    country: string;
    city: string;
  }

  interface Image {
    id: number;
    type: string;
    status: string;
    name: string | null;
    description: string;
    osFlavor: string;
    osVersion: string | null;
    /** hcloud-js turns the API's date (or null) into a Date (or null). */
    deprecated: Date | null;
  }

  interface SSHKey {
    id: number;
    name: string;
    fingerprint: string;
  }

  interface Server {
    id: number;
    name: string;
    status: string;
  }

  interface ServerBuilder {
    serverType(name: string): ServerBuilder;
    location(name: string): ServerBuilder;
    image(nameOrId: string | number): ServerBuilder;
    sshKey(nameOrId: string | number): ServerBuilder;
    userData(userData: string): ServerBuilder;
    labels(labels: Record<string, string>): ServerBuilder;
    startAfterCreate(start: boolean): ServerBuilder;
    /** The returned Server's own methods are broken (it is built without its endpoint). */
    create(): Promise<{ server: Server; action: Action }>;
  }

  class Client {
    constructor(options: ClientOptions);
    /** The axios instance every endpoint sends through (auth header, base URL, timeout). */
    readonly axios: AxiosInstance;
    readonly actions: { get(id: number): Promise<Action> };
    readonly servers: {
      build(name: string): ServerBuilder;
      delete(id: number): Promise<Action>;
    };
    readonly images: {
      list(params?: ListParams): Promise<Pagination & { images: Image[] }>;
      delete(id: number): Promise<void>;
    };
    readonly sshKeys: { list(params?: ListParams): Promise<Pagination & { sshKeys: SSHKey[] }> };
    readonly locations: { list(params?: ListParams): Promise<Pagination & { locations: Location[] }> };
  }

  const hcloud: { Client: typeof Client };
  export default hcloud;
  export type { Action, Client, ClientOptions, Image, ListParams, Location, Pagination, Server, ServerBuilder, SSHKey };
}
