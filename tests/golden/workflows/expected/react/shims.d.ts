// Ambient declarations for generated code (locusc).
declare module '*.css';
