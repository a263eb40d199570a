// placeholder entry until the runtime lands
console.log('ai-failover-proxy');
