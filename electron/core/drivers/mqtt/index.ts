export { mqttDriver, mqttDecodeSpec, describeMqttError, WRITES_DISABLED_MESSAGE, SPARKPLUG_DEATH, WAITING_FOR_BIRTH, REBIRTH_MIN_INTERVAL_MS } from './driver.js';
export type { MqttDriver, MqttDriverDefinition } from './driver.js';
export { parseMqttAddress, formatMqttAddress, parseJsonPath, formatJsonPath, sparkplugKey, mqttAddressSyntax } from './address.js';
export type { MqttAddress, PlainAddress, JsonAddress, SparkplugAddress, JsonPath, ValueType } from './address.js';
export { mqttSettingsSchema, topicMatches, isValidFilter } from './settings.js';
export type { MqttSettings, MqttSettingsInput, TopicFilter } from './settings.js';
export { mqttEndpoint, settingsFromMqttEndpoint } from './endpoint.js';
export { decodePlain, decodeJson, parseJsonPayload, parseTimestamp, parseQuality } from './decode.js';
export { TopicTree, RATE_WINDOW_MS } from './tree.js';
