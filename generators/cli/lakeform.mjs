#!/usr/bin/env node
// `npx lakeform …`: runs the TypeScript CLI through tsx, which is a runtime dependency.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
